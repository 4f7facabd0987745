global using KoalaBear = Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>;
global using BabyBear = Prover.Core.Field.MontyField31<Prover.Core.Field.BabyBearParameters>;
global using KoalaBearExt4 = Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.KoalaBearParameters>, Prover.Core.Field.KoalaBearQuartic>;
global using BabyBearExt4 = Prover.Core.Field.ExtensionField<Prover.Core.Field.MontyField31<Prover.Core.Field.BabyBearParameters>, Prover.Core.Field.BabyBearQuartic>;
global using Prover.TestSupport;
