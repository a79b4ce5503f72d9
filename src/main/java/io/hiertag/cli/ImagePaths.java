package io.hiertag.cli;

import io.hiertag.image.ImageFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Image files named on a command line: files as given, folders expanded to their image files, sorted. */
final class ImagePaths {

    /**
     * @param root the folder given (for a file given alone, its folder)
     * @param file the image file
     */
    record Found(Path root, Path file) {}

    private ImagePaths() {
    }

    /** @throws UserInputException when a path does not exist or no image file is found */
    static List<Found> expand(List<Path> paths) {
        List<Found> found = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(ImageFormat::hasImageFileName).sorted()
                            .forEach(f -> found.add(new Found(p, f)));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot list " + p, e);
                }
            } else if (Files.isRegularFile(p)) {
                found.add(new Found(p.toAbsolutePath().getParent(), p.toAbsolutePath()));
            } else {
                throw new UserInputException("no such file or folder: " + p);
            }
        }
        if (found.isEmpty()) {
            throw new UserInputException("no image files (" + String.join(", ", ImageFormat.FILE_EXTENSIONS)
                    + ") under " + paths);
        }
        return found;
    }
}
