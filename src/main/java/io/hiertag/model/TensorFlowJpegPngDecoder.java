package io.hiertag.model;

import io.hiertag.image.InvalidImageException.Reason;
import io.hiertag.image.InvalidImageException;
import io.hiertag.image.JpegDecoding;
import io.hiertag.image.JpegHeader;
import io.hiertag.image.JpegPngDecoder;
import io.hiertag.image.RgbImage;
import java.awt.image.BufferedImage;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.op.image.DecodePng;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * JPEG and PNG through TensorFlow's {@code DecodeJpeg} and {@code DecodePng}: the libjpeg-turbo and libpng that
 * TensorFlow already loads, set up as PIL sets them up (fancy chroma upsampling, 3 channels: grey copied, palette
 * looked up, alpha dropped, 16 bits cut to their top 8), with the IDCT and DCT-domain scale asked for, so the
 * pixels equal PIL's (or TensorFlow's defaults', for {@link JpegDecoding#TF}); for ordinary YCbCr JPEGs it is also
 * faster than ImageIO. CMYK and YCCK JPEGs come out of TensorFlow's own CMYK
 * conversion, which rounds down where PIL rounds to nearest (at most 1 level apart).
 *
 * <p>One prebuilt graph and session serve every call, from any thread; the ops run in the calling thread, so a
 * decode costs one session call and the copies in and out, and the session starts no threads of its own. One
 * instance per process ({@link #instance()}): like the TensorFlow runtime it lives in, it is never closed.
 */
public final class TensorFlowJpegPngDecoder implements JpegPngDecoder {

    private static final class Holder {
        static final TensorFlowJpegPngDecoder INSTANCE = new TensorFlowJpegPngDecoder();
    }

    private final Session session;
    private final Placeholder<TString> bytes;
    /** One op per IDCT and scale (attributes, not inputs): index {@code decoding · 4 + log2(scale)}. */
    private final DecodeJpeg[] jpeg = new DecodeJpeg[JpegDecoding.values().length * SCALES.length];
    private final DecodePng<TUint8> png;

    private TensorFlowJpegPngDecoder() {
        TensorFlowNatives.engine(); // loads the natives through DJL's path before any org.tensorflow class
        Graph graph = new Graph();
        Ops tf = Ops.create(graph);
        bytes = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
        // PIL's libjpeg settings; a truncated file is an error, not an image filled with grey.
        for (JpegDecoding decoding : JpegDecoding.values()) {
            for (int scale : SCALES) {
                jpeg[index(decoding, scale)] = tf.image.decodeJpeg(bytes, DecodeJpeg.channels(3L),
                        DecodeJpeg.dctMethod(decoding == JpegDecoding.PIL ? "INTEGER_ACCURATE" : "INTEGER_FAST"),
                        DecodeJpeg.ratio((long) scale), DecodeJpeg.fancyUpscaling(true),
                        DecodeJpeg.tryRecoverTruncated(false), DecodeJpeg.acceptableFraction(1f));
            }
        }
        png = tf.image.decodePng(bytes, TUint8.class, DecodePng.channels(3L));
        // A negative inter-op count runs each op in the caller's thread (the decoding threads of tagging); no GPU:
        // decoding runs on the CPU anyway, and on a GPU build the session must not claim the device's memory.
        session = new Session(graph, ConfigProto.newBuilder().setInterOpParallelismThreads(-1)
                .setIntraOpParallelismThreads(1).putDeviceCount("GPU", 0).build());
    }

    /** The process's decoder, built on first use. */
    public static TensorFlowJpegPngDecoder instance() {
        return Holder.INSTANCE;
    }

    @Override
    public BufferedImage decodeJpeg(byte[] data, JpegHeader header, JpegDecoding decoding, int scale)
            throws InvalidImageException {
        return run(jpeg[index(decoding, scale)],
                header.cmykWithoutAdobeSegment() ? JpegHeader.withAdobeCmykSegment(data) : data, "JPEG");
    }

    private static int index(JpegDecoding decoding, int scale) {
        int log2 = Integer.numberOfTrailingZeros(scale);
        if (Integer.bitCount(scale) != 1 || log2 >= SCALES.length) {
            throw new IllegalArgumentException("libjpeg scales by 1/1, 1/2, 1/4 or 1/8, not 1/" + scale);
        }
        return decoding.ordinal() * SCALES.length + log2;
    }

    @Override
    public BufferedImage decodePng(byte[] data) throws InvalidImageException {
        return run(png, data, "PNG");
    }

    private BufferedImage run(Operand<TUint8> decode, byte[] data, String format) throws InvalidImageException {
        try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(data));
             Result result = session.runner().feed(bytes, in).fetch(decode).run()) {
            TUint8 image = (TUint8) result.get(0);
            Shape shape = image.shape(); // height, width, 3
            byte[] rgb = new byte[Math.toIntExact(shape.size())];
            image.copyTo(DataBuffers.of(rgb, false, false));
            return RgbImage.wrap((int) shape.get(1), (int) shape.get(0), rgb);
        } catch (TFInvalidArgumentException e) { // the ops' answer to bad data; any other failure is not the image's
            throw new InvalidImageException(Reason.UNREADABLE_IMAGE, "the bytes start like a " + format + " image "
                    + "but cannot be decoded (TensorFlow: " + e.getMessage().lines().findFirst().orElse("")
                    + "); the file is truncated or corrupt");
        }
    }
}
