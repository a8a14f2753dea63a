// One test at a time (each notebook runs in a kernel process of its own, and several tests time their kernels), in the
// order TestOrder gives: the course checks (every notebook checked, every app built and run) start in the background as
// soon as the run begins and use the second core while the runner's own tests go one by one; the tests that stop or
// count every kernel process, or give a fresh kernel a few seconds only, wait until they are done.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer("AttentionNotebooks.NotebookTests.TestOrder", "AttentionNotebooks.NotebookTests")]
