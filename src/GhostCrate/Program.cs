using GhostCrate.Cli;
using GhostCrate.Composition;

// Only this executable may change how the process's sockets complete (serve decides; tests host servers in-process).
InlineSocketCompletions.AllowedInThisProcess = true;

return await CliApp.RunAsync(args, Console.Out, Console.Error, Console.In);
