package io.hiertag.cli;

import io.hiertag.streams.TaggingTopology;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "describe", description = "Print the processing topology (as kept in topologies/).")
final class DescribeCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
        System.out.print(TaggingTopology.describe(options.load()));
        return 0;
    }
}
