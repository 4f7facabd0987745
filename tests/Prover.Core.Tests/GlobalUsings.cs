global using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
global using BabyBear = Prover.Core.Field.MontyField31<Prover.Core.Field.BabyBearParameters>;
global using KoalaBearExt4 = Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>, Prover.Core.Field.KoalaBearQuartic>;
global using BabyBearExt4 = Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.BabyBearParameters>, Prover.Core.Field.BabyBearQuartic>;
global using Prover.TestSupport;
global using KoalaBearExt8 = Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>, Prover.Core.Field.KoalaBearOctic>;
global using KoalaBearDigest = Prover.Core.Hash.Digest<Prover.Core.Field.KoalaBearParameters>;
global using KoalaBearWideDigest = Prover.Core.Hash.WideDigest<Prover.Core.Field.KoalaBearParameters>;
