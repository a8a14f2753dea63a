// The kernel host is process-wide (working directory, console, formatters): notebooks run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
