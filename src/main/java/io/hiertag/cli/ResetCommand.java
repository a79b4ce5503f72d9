package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.streams.ApplicationReset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reset", description = "Make the tagger reprocess every image from the start of the input topic, "
        + "with Kafka's application reset tool: the group's input offsets go back to the earliest, the internal "
        + "topics (batch buffer, metrics state) are deleted, and so is this instance's local state under data.dir. "
        + "The output topics are kept: what is tagged again is appended. Stop every instance first, and run it on "
        + "each machine that has a data.dir of the application.")
final class ResetCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--embedded", description = "Reset on the in-JVM broker's data although settings come from a "
            + "file or the environment.")
    boolean embedded;

    @Option(names = "--dry-run", description = "Print what would be reset and deleted, and change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Remove members still in the group: instances killed without "
            + "leaving, before their session expires. Never while an instance runs.")
    boolean force;

    @Override
    public Integer call() {
        HiertagConfig config = options.load();
        TryOutDefaults.checkBroker(config, options.deploymentSources(), embedded);
        try (KafkaConnection kafka = KafkaConnection.forApplication(config);
             ApplicationReset reset = ApplicationReset.open(config, kafka.bootstrapServers())) {
            List<String> members = reset.groupMembers();
            if (!members.isEmpty() && !force) {
                throw new UserInputException("group " + config.applicationId() + " still has members " + members
                        + ": stop every instance (one killed without stopping leaves once its session expires, "
                        + "kafka.consumer.session.timeout.ms, 45 s by default), or add --force for one that is dead");
            }
            int code = reset.run(dryRun, force);
            if (code == 0) {
                System.out.println(dryRun ? "reset: dry run, nothing changed"
                        : "reset done: " + config.applicationId() + " reprocesses from the start at its next run");
            }
            return code;
        } catch (IllegalStateException e) {
            throw new UserInputException(e.getMessage());
        }
    }
}
