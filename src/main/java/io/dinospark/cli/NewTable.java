package io.dinospark.cli;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** The check of commands that write a Parquet table: theirs is always a new one. */
final class NewTable {

    private NewTable() {
    }

    /** Refuses, before any work, an {@code --out} that exists: {@code command} never overwrites a table. */
    static void requireAbsent(String out, String command, Configuration hadoop) throws IOException {
        if (new Path(out).getFileSystem(hadoop).exists(new Path(out))) {
            throw new IllegalArgumentException("--out " + out + " exists; " + command + " never overwrites a table");
        }
    }
}
