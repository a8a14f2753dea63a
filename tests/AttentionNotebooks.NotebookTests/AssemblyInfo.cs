// Test classes run two at a time (each class is a collection; its tests run one after another), the course checks'
// collection first (see TestOrder): a kernel process or a build keeps about one core busy, and two cores are what the
// tests are sized for. The timeouts the tests set leave room for that (a fresh kernel's first cell takes a few seconds
// on a busy machine). The tests that need the process to themselves, or time a fresh kernel closely, are in the
// collection Alone, run at the end.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass, MaxParallelThreads = 2)]
[assembly: TestCollectionOrderer("AttentionNotebooks.NotebookTests.TestOrder", "AttentionNotebooks.NotebookTests")]
