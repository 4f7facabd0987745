// The CLI tests redirect the process-wide console: every class of this assembly runs one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
