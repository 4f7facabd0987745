using System.Buffers.Binary;

namespace Prover.Fuzz;

/// <summary>
/// Deterministic byte-level mutations in the style of AFL's havoc stage, from a seeded <see cref="Random"/>: bit
/// flips, interesting values (0, ±1, powers of two, maxima) written as u8/u16/u32/u64 at random offsets (the
/// shape of a length or count field), byte runs deleted, duplicated or inserted, and splices with another seed.
/// The same seed and inputs give the same mutants on every machine, so a CI failure replays exactly.
/// </summary>
public sealed class Mutator(int seed)
{
    private readonly Random _rng = new(seed);

    private static readonly ulong[] Interesting =
        [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, long.MaxValue, ulong.MaxValue];

    /// <summary>A mutant of <paramref name="input"/> (1–4 stacked mutations), possibly spliced with <paramref name="other"/>.</summary>
    public byte[] Mutate(byte[] input, byte[]? other = null)
    {
        var data = new List<byte>(input);
        int rounds = 1 + _rng.Next(4);
        for (int i = 0; i < rounds; i++)
            Apply(data, other);
        return [.. data];
    }

    private void Apply(List<byte> data, byte[]? other)
    {
        int op = _rng.Next(data.Count == 0 ? 1 : 8);
        switch (op)
        {
            case 0: // insert random bytes
            {
                int at = _rng.Next(data.Count + 1), n = 1 + _rng.Next(16);
                var bytes = new byte[n];
                _rng.NextBytes(bytes);
                data.InsertRange(at, bytes);
                break;
            }
            case 1: // flip a bit
            {
                int at = _rng.Next(data.Count);
                data[at] ^= (byte)(1 << _rng.Next(8));
                break;
            }
            case 2: // random byte
                data[_rng.Next(data.Count)] = (byte)_rng.Next(256);
                break;
            case 3: // interesting value as a little-endian integer of 1, 2, 4 or 8 bytes (a length or count)
            {
                int width = 1 << _rng.Next(4);
                int at = _rng.Next(data.Count);
                Span<byte> v = stackalloc byte[8];
                ulong value = Interesting[_rng.Next(Interesting.Length)];
                if (_rng.Next(4) == 0)
                    value = unchecked(value + (ulong)(_rng.Next(33) - 16));
                BinaryPrimitives.WriteUInt64LittleEndian(v, value);
                for (int k = 0; k < width && at + k < data.Count; k++)
                    data[at + k] = v[k];
                break;
            }
            case 4: // delete a run
            {
                int at = _rng.Next(data.Count), n = Math.Min(data.Count - at, 1 + _rng.Next(64));
                data.RemoveRange(at, n);
                break;
            }
            case 5: // duplicate a run
            {
                int at = _rng.Next(data.Count), n = Math.Min(data.Count - at, 1 + _rng.Next(64));
                data.InsertRange(_rng.Next(data.Count + 1), data.GetRange(at, n));
                break;
            }
            case 6: // truncate
            {
                int keep = _rng.Next(data.Count);
                data.RemoveRange(keep, data.Count - keep);
                break;
            }
            default: // splice: a prefix of this input and a suffix of another seed
            {
                if (other is null || other.Length == 0)
                    goto case 1;
                int cut = _rng.Next(data.Count), from = _rng.Next(other.Length);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            }
        }
    }
}
