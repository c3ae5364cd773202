using Zera.Fuzz;

// Zera.Fuzz: the fuzz targets of the protocol layer (see fuzz/README.md).
//   Zera.Fuzz TARGET                          run under afl-fuzz (SharpFuzz's in-process fork server)
//   Zera.Fuzz --list                          the targets
//   Zera.Fuzz --write-corpus DIR              writes each target's seeds to DIR/TARGET/
//   Zera.Fuzz --random TARGET [options]       blind mutation without AFL (see RandomFuzzer)
//   Zera.Fuzz --repro TARGET FILE...          runs inputs once each, printing any crash
return Cli.Run(args);
