using Prover.Core.Zkvm.AddSub;
using Prover.Core.Zkvm.Bitwise;
using Prover.Core.Zkvm.Chips;
using Prover.Core.Zkvm.Compare;
using Prover.Core.Zkvm.Memory;
using Prover.Core.Zkvm.Shift;

namespace Prover.Core.Tests.Zkvm;

/// <summary>Computed column layouts (<see cref="ColumnLayout"/>) and the chips ported to them.</summary>
public sealed class ColumnLayoutTests
{
    [Fact]
    public void Groups_are_allocated_in_declaration_order()
    {
        var layout = new ColumnLayout();
        Assert.Equal(0, layout.Add("Flags", 3));
        Assert.Equal(3, layout.Word("X"));
        Assert.Equal(7, layout.Add("Bit"));
        Assert.Equal(8, layout.Width);
        Assert.Equal("Flags[2]", layout.NameOf(2));
        Assert.Equal("X[0]", layout.NameOf(3));
        Assert.Equal("Bit", layout.NameOf(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.NameOf(8));
        Assert.Throws<ArgumentException>(() => layout.Add("X"));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Add("Empty", 0));
    }

    /// <summary>The ported chips keep their hand-numbered offsets (so their traces and the proof bytes are unchanged).</summary>
    [Fact]
    public void Ported_layouts_keep_the_old_offsets()
    {
        Assert.Equal((0, 8, 12, 16, 20, 24, 25), (AddSubCols.Selectors, AddSubCols.A, AddSubCols.B, AddSubCols.C, AddSubCols.Carry, AddSubCols.Sign, AddSubCols.Width));
        Assert.Equal(AddSubCols.Width, AddSubCols.Layout.Width);
        Assert.Equal((0, 4, 8, 12, 16, 20, 21, 22, 23), (CompareCols.Selectors, CompareCols.B, CompareCols.C, CompareCols.Diff, CompareCols.Borrow, CompareCols.BSign,
            CompareCols.CSign, CompareCols.SignsDiffer, CompareCols.Width));
        Assert.Equal((0, 6, 14, 22, 30, 38), (BitwiseCols.Selectors, BitwiseCols.ABytes, BitwiseCols.BBytes, BitwiseCols.CBytes, BitwiseCols.AndBytes, BitwiseCols.Width));
        Assert.Equal([0, 12, 20, 24, 30, 31, 39, 40, 41, 42, 43, 44, 52, 60, 61, 69, 70],
        [
            ShiftCols.Selectors, ShiftCols.BBytes, ShiftCols.C, ShiftCols.ShiftBits, ShiftCols.CHigh, ShiftCols.ByteShift, ShiftCols.Pow01, ShiftCols.Pow,
            ShiftCols.PowR, ShiftCols.Mult, ShiftCols.FillBit, ShiftCols.Lo, ShiftCols.Hi, ShiftCols.FillLo, ShiftCols.Y, ShiftCols.ResultSign, ShiftCols.Width,
        ]);
        Assert.Equal([0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 13],
        [
            MemoryBoundaryCols.Real, MemoryBoundaryCols.KeyLo, MemoryBoundaryCols.KeyHi, MemoryBoundaryCols.Value, MemoryBoundaryCols.TsLo, MemoryBoundaryCols.TsHi,
            MemoryBoundaryCols.GapLo, MemoryBoundaryCols.GapHi, MemoryBoundaryCols.Bound, MemoryBoundaryCols.FromInput, MemoryBoundaryCols.Width,
        ]);
        Assert.Equal("Carry[3]", AddSubCols.Layout.NameOf(AddSubCols.Carry + 3));
    }
}
