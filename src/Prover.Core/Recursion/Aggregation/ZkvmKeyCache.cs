using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Prover.Core.Field;
using Prover.Core.Hash;
using Prover.Core.Stark;

namespace Prover.Core.Recursion.Aggregation;

/// <summary>
/// Verifying keys of recursion programs kept on disk between runs (docs/design.md, "Recursion", a keyed family's keys,
/// for the argument): opt-in (<c>--key-cache DIR</c>, <see cref="ZkvmAggregationKeys{TDef, TDigest}.KeyCache"/>), one
/// file per program and configuration, named by the SHA-256 <see cref="Id"/> of everything that determines the key —
/// the program's instructions, constants, outputs and shape, the configuration, the extension and digest, the entry
/// format and the build of this library (its module version id: a rebuilt library with other code never reads an older
/// build's entries). A hit skips the program's setup (the LDE and commitment of its fixed columns: most of a family's
/// setup); the program itself is still built, and its proving key is made when a proof with it is made.
/// <para>
/// An entry is authenticated with HMAC-SHA-256 under a secret that is not in the directory (the caller's: the CLI keeps
/// one per user, outside the cache): a corrupted, truncated, renamed or foreign entry (another program, configuration,
/// build or secret) fails the check and is rebuilt and overwritten, never used. Why a plain digest would not do: a
/// verifier cannot check a verifying key without making it (it is the commitment the setup computes), so whatever it
/// could recompute over an entry, a forger could compute too; with the secret, an entry is one this user's prover or
/// verifier made, and reading it is the same as that run's keys kept in memory.
/// </para>
/// </summary>
public sealed class ZkvmKeyCache
{
    /// <summary>The entry layout's number (bump when <see cref="Id"/>'s input or the file layout changes).</summary>
    public const int Format = 1;

    private static ReadOnlySpan<byte> Magic => "ZKVMKEY1"u8;

    private readonly byte[] _secret;
    private readonly Lock _lock = new();

    /// <summary>A cache in <paramref name="directory"/> (made if absent), entries authenticated under <paramref name="secret"/> (at least 16 bytes).</summary>
    public ZkvmKeyCache(string directory, ReadOnlySpan<byte> secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (secret.Length < 16)
            throw new ArgumentException("a key cache's secret has at least 16 bytes");
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        _secret = secret.ToArray();
    }

    /// <summary>
    /// A cache in <paramref name="directory"/> under the secret in <paramref name="secretFile"/>, which is made (32 random
    /// bytes, readable by its owner only) where absent. The secret file must not be inside the cache directory: a copied
    /// or restored cache would bring its own secret.
    /// </summary>
    public static ZkvmKeyCache Open(string directory, string secretFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(secretFile);
        string dir = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (Path.GetFullPath(secretFile).StartsWith(dir, StringComparison.Ordinal))
            throw new ArgumentException("the key cache's secret must not be inside the cache directory");
        if (!File.Exists(secretFile))
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(secretFile))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var stream = new FileStream(secretFile, options);
                stream.Write(RandomNumberGenerator.GetBytes(32));
            }
            catch (IOException) when (File.Exists(secretFile))
            {
                // Another process made it first: read theirs.
            }
        }
        return new ZkvmKeyCache(directory, File.ReadAllBytes(secretFile));
    }

    public string Directory { get; }

    /// <summary>Entries read and used.</summary>
    public int Hits { get; private set; }

    /// <summary>Lookups with no entry.</summary>
    public int Misses { get; private set; }

    /// <summary>Entries present but not used (the check failed: corrupted, truncated or foreign); each is rebuilt.</summary>
    public int Rejected { get; private set; }

    /// <summary>Entries written.</summary>
    public int Written { get; private set; }

    /// <summary>
    /// The entry name of <paramref name="program"/>'s key under <paramref name="config"/> with <typeparamref name="TDef"/>'s
    /// extension and <typeparamref name="TDigest"/>'s digest: SHA-256 over the format, this library's build, the types,
    /// the configuration (every field), the shape and the program (instructions with operands, constants, counts, outputs,
    /// messages) — what the machine's fixed columns and their commitment are a function of.
    /// </summary>
    public static byte[] Id<TDef, TDigest>(RecursionProgram program, StarkConfig config)
        where TDef : struct, IExtensionDefinition<KoalaBear, TDef>
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(config);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        int used = 0;
        void Flush()
        {
            hash.AppendData(buffer, 0, used);
            used = 0;
        }
        void Int(long v)
        {
            if (used + 8 > buffer.Length)
                Flush();
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(used), v);
            used += 8;
        }
        void Text(string s)
        {
            Flush();
            var bytes = Encoding.UTF8.GetBytes(s);
            Int(bytes.Length);
            Flush();
            hash.AppendData(bytes);
        }
        Text("zkvm recursion program key");
        Int(Format);
        Text(typeof(ZkvmKeyCache).Module.ModuleVersionId.ToString());
        Int(TDef.Degree);
        Int(TDigest.Length);
        Text(typeof(TDef).FullName!);
        Text(typeof(TDigest).FullName!);
        Text(config.ToString());
        Text(program.Shape is { } shape ? $"{shape} [{string.Join(',', shape.Poseidon2Widths)}] [{string.Join(',', shape.LogHeights)}]" : "no shape");
        Int(program.ExtensionDegree);
        Int(program.FeltCount);
        Int(program.ExtCount);
        Int(program.FeltConstants.Count);
        foreach (uint c in program.FeltConstants)
            Int(c);
        Int(program.ExtConstants.Count);
        foreach (uint c in program.ExtConstants)
            Int(c);
        Int(program.Outputs.Count);
        foreach (int o in program.Outputs)
            Int(o);
        Int(program.Instructions.Count);
        foreach (var i in program.Instructions)
        {
            Int((long)i.Op);
            Int(i.Dst);
            Int(i.A);
            Int(i.B);
            Int(i.C);
            Int(i.Operands?.Length ?? -1);
            foreach (int o in i.Operands ?? [])
                Int(o);
        }
        Int(program.Messages.Count);
        foreach (string m in program.Messages)
            Text(m);
        Flush();
        return hash.GetHashAndReset();
    }

    /// <summary>The path of entry <paramref name="id"/>.</summary>
    public string PathOf(ReadOnlySpan<byte> id) => Path.Combine(Directory, Convert.ToHexString(id).ToLowerInvariant() + ".key");

    /// <summary>
    /// Entry <paramref name="id"/>'s verifying key, or null: no entry, or one that fails the check (counted in
    /// <see cref="Rejected"/>; the caller rebuilds the key and <see cref="Store{TDigest}"/> overwrites it).
    /// </summary>
    public VerifyingKey<KoalaBearParameters, TDigest>? Load<TDigest>(ReadOnlySpan<byte> id)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathOf(id));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            lock (_lock)
                Misses++;
            return null;
        }
        catch (IOException)
        {
            lock (_lock)
                Rejected++;
            return null;
        }
        var key = Decode<TDigest>(bytes, id);
        lock (_lock)
        {
            if (key is null)
                Rejected++;
            else
                Hits++;
        }
        return key;
    }

    /// <summary>Writes entry <paramref name="id"/> (a whole file, then renamed over any old one: a reader sees the old entry or the new, never a part).</summary>
    public void Store<TDigest>(ReadOnlySpan<byte> id, VerifyingKey<KoalaBearParameters, TDigest> key)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = Encode(id, key);
        string path = PathOf(id);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        lock (_lock)
            Written++;
    }

    /// <summary>Magic, format, id, the key (digest length and elements, table count and log heights, log blowup), then the HMAC of all that.</summary>
    private byte[] Encode<TDigest>(ReadOnlySpan<byte> id, VerifyingKey<KoalaBearParameters, TDigest> key)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        var root = key.PreprocessedRoot.ToCanonical();
        var body = new List<byte>(Magic.ToArray());
        void Int(int v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, v);
            body.AddRange(b);
        }
        Int(Format);
        Int(id.Length);
        body.AddRange(id);
        Int(root.Length);
        foreach (uint e in root)
            Int((int)e);
        Int(key.LogHeights.Length);
        foreach (int h in key.LogHeights)
            Int(h);
        Int(key.LogBlowup);
        var bytes = body.ToArray();
        return [.. bytes, .. HMACSHA256.HashData(_secret, bytes)];
    }

    private VerifyingKey<KoalaBearParameters, TDigest>? Decode<TDigest>(byte[] bytes, ReadOnlySpan<byte> id)
        where TDigest : struct, IDigest<TDigest, KoalaBearParameters>
    {
        const int Mac = 32;
        if (bytes.Length < Magic.Length + Mac)
            return null;
        var body = new ReadOnlyMemory<byte>(bytes, 0, bytes.Length - Mac);
        // The MAC first (in constant time): nothing of an unauthenticated entry is parsed.
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_secret, body.Span), bytes.AsSpan(bytes.Length - Mac)))
            return null;
        int at = Magic.Length;
        bool Int(out int v)
        {
            v = 0;
            if (at + 4 > body.Length)
                return false;
            v = BinaryPrimitives.ReadInt32LittleEndian(body.Span[at..]);
            at += 4;
            return true;
        }
        if (!body.Span[..Magic.Length].SequenceEqual(Magic) || !Int(out int format) || format != Format || !Int(out int idLength) || idLength != id.Length
            || at + idLength > body.Length || !body.Span.Slice(at, idLength).SequenceEqual(id))
            return null;
        at += idLength;
        if (!Int(out int rootLength) || rootLength != TDigest.Length)
            return null;
        var root = new uint[rootLength];
        for (int i = 0; i < rootLength; i++)
        {
            if (!Int(out int e) || (uint)e >= KoalaBearParameters.P)
                return null;
            root[i] = (uint)e;
        }
        if (!Int(out int tables) || tables < 1 || tables > 64)
            return null;
        var heights = new int[tables];
        for (int t = 0; t < tables; t++)
            if (!Int(out heights[t]) || heights[t] < 0 || heights[t] > 40)
                return null;
        if (!Int(out int blowup) || blowup < 0 || blowup > 16 || at != body.Length)
            return null;
        return new VerifyingKey<KoalaBearParameters, TDigest>(TDigest.FromCanonical(root), heights, blowup);
    }
}
