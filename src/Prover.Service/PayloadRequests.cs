using Prover.Witness.Ssz;

namespace Prover.Service;

/// <summary>
/// Decodes the SSZ <c>NewPayloadRequest</c> zkboost's API takes: a "transparent union" across fork shapes, so the
/// shape is found by decoding. The shapes are tried newest first (Electra/Fulu: Prague to BPO2 share one shape and
/// one root; Deneb; Capella; Bellatrix) and the first that consumes every byte wins. The shapes differ in their
/// fixed parts (the offsets and the beacon root), so a well-formed body decodes under one of them only except in
/// contrived cases, where the newest shape is taken.
/// </summary>
internal static class PayloadRequests
{
    private static readonly Fork[] Shapes = [Fork.Prague, Fork.Cancun, Fork.Shanghai, Fork.Paris];

    public static NewPayloadRequest Decode(ReadOnlySpan<byte> body)
    {
        string? firstError = null;
        foreach (var fork in Shapes)
        {
            try
            {
                var r = new SszReader(body);
                var request = NewPayloadRequest.Read(ref r, fork);
                r.CheckEnd();
                return request;
            }
            catch (FormatException e)
            {
                firstError ??= e.Message;
            }
        }
        throw new SszException("not a NewPayloadRequest of any supported fork: " + firstError, 0);
    }
}
