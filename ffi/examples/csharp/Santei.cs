// Santei.cs: P/Invoke bindings for libsantei (ffi/include/santei.h) and a small example program.
//
// Build and run (Mono, Debian package mono-mcs):
//     mcs -out:Santei.exe ffi/examples/csharp/Santei.cs
//     LD_LIBRARY_PATH=target/release mono Santei.exe examples/first-visit-dx.json [MASTERS_DIR]
// or add this file to a .NET project (net6.0 or later) with libsantei.so / santei.dll /
// libsantei.dylib next to the executable. See ffi/examples/csharp/README.md.
//
// Conventions kept from the C API: every handle is a SafeHandle (freed exactly once, also by
// the finalizer); a status other than Ok becomes a SanteiException carrying the status and the
// thread's santei_last_error() text; strings cross as NUL-terminated UTF-8 bytes.

using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Santei
{
    /// <summary>santei_status: the values are fixed by the ABI.</summary>
    public enum Status : int
    {
        Ok = 0,
        NullArgument = 1,
        InvalidUtf8 = 2,
        InvalidArgument = 3,
        Io = 4,
        MastersError = 5,
        InvalidClaim = 6,
        EmptyInput = 7,
        InputTooLarge = 8,
        Panic = 9,
        Internal = 10,
    }

    /// <summary>Flags of santei_calculate_opts.</summary>
    [Flags]
    public enum CalcFlags : uint
    {
        None = 0,
        Trace = 1,
        Pretty = 2,
    }

    public sealed class SanteiException : Exception
    {
        public Status Status { get; }

        public SanteiException(Status status, string message) : base(message)
        {
            Status = status;
        }
    }

    internal sealed class MastersHandle : SafeHandle
    {
        public MastersHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle()
        {
            Native.santei_masters_free(handle);
            return true;
        }
    }

    internal sealed class EngineHandle : SafeHandle
    {
        public EngineHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle()
        {
            Native.santei_engine_free(handle);
            return true;
        }
    }

    internal static class Native
    {
        // Resolved as libsantei.so (Linux), libsantei.dylib (macOS), santei.dll (Windows).
        private const string Lib = "santei";

        public const uint AbiVersion = 1; // SANTEI_ABI_VERSION of the header these bindings follow

        [DllImport(Lib)] public static extern IntPtr santei_version();
        [DllImport(Lib)] public static extern uint santei_abi_version();
        [DllImport(Lib)] public static extern IntPtr santei_status_str(int status);
        [DllImport(Lib)] public static extern IntPtr santei_last_error();
        [DllImport(Lib)] public static extern Status santei_masters_open(byte[] dirUtf8, out MastersHandle masters);
        [DllImport(Lib)] public static extern Status santei_masters_open_default(out MastersHandle masters);
        [DllImport(Lib)] public static extern void santei_masters_free(IntPtr masters);
        [DllImport(Lib)] public static extern Status santei_masters_info_json(MastersHandle masters, out IntPtr buffer);
        [DllImport(Lib)] public static extern Status santei_engine_new(MastersHandle masters, out EngineHandle engine);
        [DllImport(Lib)] public static extern void santei_engine_free(IntPtr engine);
        [DllImport(Lib)]
        public static extern Status santei_calculate_opts(EngineHandle engine, byte[] claimJson, UIntPtr len, uint flags, out IntPtr resultJson);
        [DllImport(Lib)]
        public static extern Status santei_futan(byte[] json, UIntPtr len, out IntPtr burdenJson);
        [DllImport(Lib)] public static extern IntPtr santei_buffer_data(IntPtr buffer);
        [DllImport(Lib)] public static extern UIntPtr santei_buffer_len(IntPtr buffer);
        [DllImport(Lib)] public static extern void santei_buffer_free(IntPtr buffer);

        /// <summary>A NUL-terminated UTF-8 C string owned by santei → a .NET string.</summary>
        public static string Utf8(IntPtr p)
        {
            if (p == IntPtr.Zero) return "";
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            var bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        public static void Check(Status s)
        {
            if (s != Status.Ok)
            {
                // Read on the same thread, right after the failed call (the message is per thread).
                throw new SanteiException(s, $"{Utf8(santei_status_str((int)s))}: {Utf8(santei_last_error())}");
            }
        }

        /// <summary>Copies a santei_buffer into a .NET string and frees it.</summary>
        public static string TakeBuffer(IntPtr buffer)
        {
            try
            {
                int len = checked((int)(ulong)santei_buffer_len(buffer));
                var bytes = new byte[len];
                Marshal.Copy(santei_buffer_data(buffer), bytes, 0, len);
                return Encoding.UTF8.GetString(bytes);
            }
            finally
            {
                santei_buffer_free(buffer);
            }
        }
    }

    /// <summary>
    /// A santei engine over one master set. Thread-safe: one instance may serve any number of
    /// threads at once. Dispose it when done (the finalizer frees it otherwise).
    /// </summary>
    public sealed class Engine : IDisposable
    {
        private readonly EngineHandle engine;

        public static string Version => Native.Utf8(Native.santei_version());

        /// <summary>Loads the masters (a folder of SSK files, or null for the embedded default set).</summary>
        public Engine(string mastersDir = null)
        {
            uint abi = Native.santei_abi_version();
            if (abi != Native.AbiVersion)
                throw new InvalidOperationException($"libsantei ABI {abi}, these bindings expect {Native.AbiVersion}");
            MastersHandle masters;
            Native.Check(mastersDir == null
                ? Native.santei_masters_open_default(out masters)
                : Native.santei_masters_open(Encoding.UTF8.GetBytes(mastersDir + "\0"), out masters));
            // The engine keeps its own reference to the master set: the masters handle can go.
            using (masters)
            {
                MastersInfoJson = GetInfo(masters);
                Native.Check(Native.santei_engine_new(masters, out engine));
            }
        }

        /// <summary>The master set described as JSON (santei_masters_info_json).</summary>
        public string MastersInfoJson { get; }

        private static string GetInfo(MastersHandle masters)
        {
            Native.Check(Native.santei_masters_info_json(masters, out IntPtr buf));
            return Native.TakeBuffer(buf);
        }

        /// <summary>Computes one claim (UTF-8 JSON) and returns the result JSON.</summary>
        public string Calculate(byte[] claimJson, CalcFlags flags = CalcFlags.Trace)
        {
            Native.Check(Native.santei_calculate_opts(engine, claimJson, (UIntPtr)(ulong)claimJson.Length, (uint)flags, out IntPtr buf));
            return Native.TakeBuffer(buf);
        }

        public string Calculate(string claimJson, CalcFlags flags = CalcFlags.Trace) =>
            Calculate(Encoding.UTF8.GetBytes(claimJson), flags);

        /// <summary>
        /// The 患者負担金 of one receipt-month (santei_futan; input of shared/spec/futan.md §7(c)),
        /// returned as the `burden` JSON. Needs no engine: the money rules carry their own tables.
        /// </summary>
        public static string Futan(byte[] receiptJson)
        {
            Native.Check(Native.santei_futan(receiptJson, (UIntPtr)(ulong)receiptJson.Length, out IntPtr buf));
            return Native.TakeBuffer(buf);
        }

        public void Dispose() => engine.Dispose();
    }

    public static class Program
    {
        public static int Main(string[] args)
        {
            string futanInput = null;
            var positional = new System.Collections.Generic.List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--futan" && i + 1 < args.Length) futanInput = args[++i];
                else positional.Add(args[i]);
            }
            if (positional.Count < 1)
            {
                Console.Error.WriteLine("usage: Santei.exe CLAIM.json [MASTERS_DIR] [--futan RECEIPT.json]");
                return 2;
            }
            try
            {
                using (var engine = new Engine(positional.Count > 1 ? positional[1] : null))
                {
                    Console.WriteLine($"libsantei {Engine.Version}");
                    string result = engine.Calculate(File.ReadAllBytes(positional[0]));
                    // A real program would use a JSON library (System.Text.Json); the example
                    // stays dependency-free.
                    var total = Regex.Match(result, "\"total_points\":(-?[0-9]+)");
                    Console.WriteLine($"total_points {total.Groups[1].Value}");
                    try
                    {
                        engine.Calculate("{\"facility\": {\"kind\": \"clinic\", \"bedz\": 1}}");
                    }
                    catch (SanteiException e) when (e.Status == Status.InvalidClaim)
                    {
                        Console.WriteLine($"invalid claim rejected as expected: {e.Message}");
                    }
                    if (futanInput != null)
                    {
                        string burden = Engine.Futan(File.ReadAllBytes(futanInput));
                        var patient = Regex.Match(burden, "\"patient_yen\":(-?[0-9]+)");
                        Console.WriteLine($"futan patient_yen {patient.Groups[1].Value}");
                    }
                }
                return 0;
            }
            catch (SanteiException e)
            {
                Console.Error.WriteLine($"santei error {e.Status}: {e.Message}");
                return 1;
            }
        }
    }
}
