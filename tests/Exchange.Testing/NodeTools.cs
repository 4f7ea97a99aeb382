namespace Exchange.Testing;

/// <summary>
/// A folder of the repository with a package-lock.json, its npm packages installed (npm ci) on
/// first use. Test projects run in parallel, so the install holds a lock file that other
/// processes wait for.
/// </summary>
public static class NodeTools
{
    public static async Task<string> InstalledAsync(string folder, params string[] binaries)
    {
        bool Ready() => binaries.All(b => File.Exists(Path.Combine(folder, "node_modules", ".bin", b)));
        if (Ready())
        {
            return folder;
        }

        var lockPath = Path.Combine(folder, ".npm-install.lock");
        var deadline = DateTime.UtcNow.AddMinutes(6);
        while (true)
        {
            try
            {
                using var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                if (!Ready())
                {
                    var install = await ProcessRunner.RunToExitAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, new Dictionary<string, string>(), TimeSpan.FromMinutes(5));
                    if (install.ExitCode != 0)
                    {
                        throw new InvalidOperationException("npm ci failed:\n" + install.Output);
                    }
                }

                return folder;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another test process is installing.
                await Task.Delay(500);
            }
        }
    }
}
