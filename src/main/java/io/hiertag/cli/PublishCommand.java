package io.hiertag.cli;

import io.hiertag.config.HiertagConfig;
import io.hiertag.kafka.ImagePublisher;
import io.hiertag.kafka.KafkaConnection;
import io.hiertag.labels.LabelSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", description = "Publish image files (JPEG, PNG, GIF, BMP, TIFF, WebP), or every such file "
        + "under folders, as images.")
final class PublishCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR")
    List<Path> paths;

    @Option(names = "--label-set", paramLabel = "NAME", description = "Label set to tag with (default: ${DEFAULT-VALUE}).")
    String labelSet = LabelSet.IMAGENET_1K;

    @Option(names = "--ground-truth-from-folder",
            description = "Use each file's folder name (a wnid or class name) as its ground truth.")
    boolean truthFromFolder;

    @Override
    public Integer call() throws Exception {
        HiertagConfig config = options.load();
        List<ImagePaths.Found> files = ImagePaths.expand(paths);
        String bootstrap = KafkaConnection.clientBootstrap(config);
        try (ImagePublisher publisher = new ImagePublisher(config, bootstrap)) {
            List<Future<?>> sent = new ArrayList<>();
            for (ImagePaths.Found found : files) {
                Path file = found.file();
                Path relative = found.root().toAbsolutePath().relativize(file.toAbsolutePath());
                String id = relative.toString();
                // Only a folder below the one given names a class; the given folder itself does not.
                String truth = truthFromFolder && relative.getParent() != null
                        ? relative.getParent().getFileName().toString() : null;
                sent.add(publisher.publish(ImagePublisher.event(id, read(file), labelSet, truth,
                        Map.of("file", file.toString()))));
            }
            publisher.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        }
        System.out.println("published " + files.size() + " images to " + bootstrap);
        return 0;
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
