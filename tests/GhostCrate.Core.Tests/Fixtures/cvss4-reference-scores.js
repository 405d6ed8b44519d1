// Random CVSS v4.0 vectors (every metric group), scored by the reference calculator's cvss40.js.
const { CVSS40, Vector } = require('./cvss40.js');
let seed = 20261206; // mulberry32, so the file can be generated again identically
const rand = n => { seed = (seed + 0x6D2B79F5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n); };
const groups = Vector.METRICS, out = [];
for (let i = 0; i < 1000; i++) {
  let v = 'CVSS:4.0';
  for (const [k, vals] of Object.entries(groups.BASE)) v += `/${k}:${vals[rand(vals.length)]}`;
  for (const g of ['THREAT', 'ENVIRONMENTAL', 'SUPPLEMENTAL'])
    for (const [k, vals] of Object.entries(groups[g])) if (rand(10) < 4) v += `/${k}:${vals[rand(vals.length)]}`;
  out.push(`${v} ${new CVSS40(v).score.toFixed(1)}`);
}
process.stdout.write(out.join('\n') + '\n');
