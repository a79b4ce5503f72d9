package io.hiertag.cli;

import io.hiertag.config.ConfigException;
import io.hiertag.convert.CheckpointException;
import io.hiertag.eval.EvaluationInputException;
import io.hiertag.labels.LabelSetException;
import io.hiertag.model.ModelContractException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point of the {@code hiertag} command. */
@Command(name = "hiertag", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "hiertag 0.1.0",
        description = "Real-time zero-shot image tagging on Kafka, with WordNet hierarchy rescoring.",
        subcommands = {RunCommand.class, DemoCommand.class, PublishCommand.class, TailCommand.class,
            MakeTestModelCommand.class, DescribeCommand.class, TokenizeCommand.class, BrokerCommand.class,
            EvaluateCommand.class, BenchCommand.class, PreprocessCommand.class, ResetCommand.class,
            ImportModelCommand.class, EmbedCommand.class, CommandLine.HelpCommand.class})
public final class Hiertag {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; user errors print one line, not a stack trace. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Hiertag());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof LabelSetException || e instanceof ModelContractException
                    || e instanceof UserInputException || e instanceof EvaluationInputException
                    || e instanceof CheckpointException) {
                cmd.getErr().println("hiertag: " + e.getMessage());
                return 2;
            }
            if (e instanceof org.apache.kafka.common.config.ConfigException) {
                // A kafka.* setting a client refused, in Kafka's words: "Invalid value x for configuration y: ...".
                cmd.getErr().println("hiertag: a kafka.* setting: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
