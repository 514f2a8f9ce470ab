using System.Globalization;

namespace ChatPresence.LoadDriver;

/// <summary>The host's memory and CPU time as Linux reports them in <c>/proc/PID</c>.</summary>
public sealed class HostProcess(int pid)
{
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>VmRSS: resident memory now.</summary>
    public long ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    /// <summary>VmHWM: the highest resident memory since the process started.</summary>
    public long PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>utime + stime: CPU seconds spent by the process so far (all threads).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces) start at state (field 3); utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    private long StatusKilobytes(string key)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    // USER_HZ is 100 on every Linux the bench runs on; getconf says so when present.
    private static double ClockTicks()
    {
        try
        {
            using var getconf = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true });
            var text = getconf!.StandardOutput.ReadToEnd();
            getconf.WaitForExit();
            return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException or InvalidOperationException)
        {
            return 100;
        }
    }
}
