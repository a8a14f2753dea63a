// Each notebook runs in a kernel process of its own, but the tests measure times and timeouts on a 2-core machine:
// one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
