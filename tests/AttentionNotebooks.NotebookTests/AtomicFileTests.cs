namespace AttentionNotebooks.NotebookTests;

/// <summary>Writing a notebook replaces it atomically: a temporary file in the same folder, renamed over it.</summary>
[Collection(Alone.Name)]
public sealed class AtomicFileTests : AloneTest
{
    [Fact]
    public void The_new_text_goes_to_a_temporary_file_in_the_same_folder_and_the_target_is_untouched_until_the_rename()
    {
        using var folder = TestRepository.TemporaryFolder();
        var target = folder.File("notebook.ipynb");
        File.WriteAllText(target, "committed");
        string? seen = null;

        AtomicFile.WriteAllText(target, "executed", temporary =>
        {
            seen = temporary;
            Assert.Equal(folder.Path, Path.GetDirectoryName(temporary));
            Assert.Equal("executed", File.ReadAllText(temporary));
            Assert.Equal("committed", File.ReadAllText(target));
        });

        Assert.NotNull(seen);
        Assert.Equal("executed", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_write_stopped_before_the_rename_leaves_the_committed_file_whole_and_no_temporary_file()
    {
        using var folder = TestRepository.TemporaryFolder();
        var target = folder.File("notebook.ipynb");
        File.WriteAllText(target, "committed");

        // The runner killed (Ctrl+C) after writing 150 MB and before the rename: the exception stands for that.
        var huge = new string('x', 150_000_000);
        Assert.Throws<OperationCanceledException>(() =>
            AtomicFile.WriteAllText(target, huge, _ => throw new OperationCanceledException("stopped")));

        Assert.Equal("committed", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Stopping_the_runner_deletes_the_temporary_files_of_writes_under_way()
    {
        using var folder = TestRepository.TemporaryFolder();
        var target = folder.File("notebook.ipynb");
        File.WriteAllText(target, "committed");

        // What the Ctrl+C handler (CourseRunner.Stop) does while a write is between its temporary file and the rename;
        // the process then ends, so the rename never comes (here it finds no file).
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(target, "executed", temporary =>
        {
            Assert.Contains(temporary, AtomicFile.TemporaryFiles);
            AtomicFile.DeleteTemporaryFiles();
            Assert.False(File.Exists(temporary));
        }));

        Assert.Equal("committed", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(folder.Path));
    }
}
