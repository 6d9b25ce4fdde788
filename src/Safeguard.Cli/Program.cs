using System.CommandLine;
using Safeguard.Cli;
using Safeguard.Cli.Commands;

var root = new RootCommand("Safeguard: find known child-abuse material by perceptual and exact hashes.");
root.Options.Add(GlobalOptions.Db);
root.Options.Add(GlobalOptions.NoProgress);
foreach (var command in CommandCatalog.All())
    root.Add(command);

return CommandRunner.Run(root, args);
