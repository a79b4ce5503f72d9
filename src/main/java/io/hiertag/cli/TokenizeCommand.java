package io.hiertag.cli;

import io.hiertag.model.ModelContract;
import io.hiertag.text.ClipBpeTokenizer;
import io.hiertag.text.Tokenizer;
import io.hiertag.text.WordPieceTokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tokenize", description = "Read lines on standard input and print each line, a tab, and the token "
        + "ids the model is fed (start/end tokens included, clipped, no padding).")
final class TokenizeCommand implements Callable<Integer> {

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", paramLabel = "DIR", description = "Use the tokenizer a model folder's contract names.")
        Path model;

        @ArgGroup(exclusive = false)
        Explicit explicit;
    }

    static final class Explicit {
        @Option(names = "--tokenizer", required = true, paramLabel = "clip-bpe|wordpiece")
        String type;

        @Option(names = "--vocab", paramLabel = "FILE",
                description = "Vocabulary (WordPiece) or merges file (CLIP; default: the bundled one).")
        Path vocabulary;

        @Option(names = "--max-length", paramLabel = "N", description = "Tokens per text (default: 77 for CLIP, "
                + "16 for WordPiece).")
        Integer maxLength;

        @Option(names = "--cased", description = "WordPiece: keep case and accents.")
        boolean cased;
    }

    @Override
    public Integer call() throws Exception {
        Tokenizer tokenizer = tokenizer();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            out.println(line + "\t" + Arrays.stream(tokenizer.encodeUnpadded(line)).mapToObj(Integer::toString)
                    .collect(Collectors.joining(" ")));
        }
        out.flush();
        return 0;
    }

    private Tokenizer tokenizer() {
        if (source.model != null) {
            return ModelContract.read(source.model).tokenizer(source.model);
        }
        Explicit e = source.explicit;
        switch (e.type) {
            case "clip-bpe":
                int context = e.maxLength == null ? ClipBpeTokenizer.CONTEXT_LENGTH : e.maxLength;
                return e.vocabulary == null ? ClipBpeTokenizer.bundled(context)
                        : ClipBpeTokenizer.load(e.vocabulary, context);
            case "wordpiece":
                if (e.vocabulary == null) {
                    throw new UserInputException("--tokenizer wordpiece needs --vocab FILE");
                }
                return WordPieceTokenizer.load(e.vocabulary, e.maxLength == null ? 16 : e.maxLength, !e.cased);
            default:
                throw new UserInputException("unknown tokenizer '" + e.type + "'; use clip-bpe or wordpiece");
        }
    }
}
