namespace GhostCrate.Core.Advisories.Cvss;

/// <summary>
/// The MacroVector of a CVSS v4.0 vector: its level (0 = most severe) in each of the six equivalence sets EQ1-EQ6 of
/// the specification's §8 "CVSS v4.0 Scoring" (Table 24 and the tables after it), written as six digits, e.g.
/// `000200`. Every vector of one MacroVector is scored from the same entry of the lookup table
/// (<see cref="Cvss4LookupTable"/>).
/// </summary>
public readonly record struct Cvss4MacroVector(int Eq1, int Eq2, int Eq3, int Eq4, int Eq5, int Eq6)
{
    public static Cvss4MacroVector Of(Cvss4Vector v)
    {
        string M(string metric) => v.Effective(metric);
        var (av, pr, ui) = (M("AV"), M("PR"), M("UI"));

        // EQ1: 0 = AV:N and PR:N and UI:N; 1 = (AV:N or PR:N or UI:N) and not all three and not AV:P;
        // 2 = AV:P or none of AV:N, PR:N, UI:N.
        var eq1 = av == "N" && pr == "N" && ui == "N" ? 0
            : (av == "N" || pr == "N" || ui == "N") && av != "P" ? 1
            : 2;
        // EQ2: 0 = AC:L and AT:N; 1 = otherwise.
        var eq2 = M("AC") == "L" && M("AT") == "N" ? 0 : 1;
        // EQ3: 0 = VC:H and VI:H; 1 = not both, but one of VC, VI, VA is H; 2 = none is H.
        var (vc, vi, va) = (M("VC"), M("VI"), M("VA"));
        var eq3 = vc == "H" && vi == "H" ? 0 : vc == "H" || vi == "H" || va == "H" ? 1 : 2;
        // EQ4: 0 = MSI:S or MSA:S (Safety, §4.2); 1 = otherwise one of SC, SI, SA is H; 2 = none is.
        var eq4 = M("MSI") == "S" || M("MSA") == "S" ? 0
            : M("SC") == "H" || M("SI") == "H" || M("SA") == "H" ? 1
            : 2;
        // EQ5: Exploit Maturity A = 0, P = 1, U = 2 (X counts as A, §3.1).
        var eq5 = M("E") switch { "A" => 0, "P" => 1, _ => 2 };
        // EQ6: 0 = a High security requirement meets a High impact on the same property; 1 = otherwise.
        var eq6 = (M("CR") == "H" && vc == "H") || (M("IR") == "H" && vi == "H") || (M("AR") == "H" && va == "H") ? 0 : 1;
        return new Cvss4MacroVector(eq1, eq2, eq3, eq4, eq5, eq6);
    }

    /// <summary>The six digits the lookup table is keyed by.</summary>
    public override string ToString() => $"{Eq1}{Eq2}{Eq3}{Eq4}{Eq5}{Eq6}";
}
