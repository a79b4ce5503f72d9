package io.hiertag.bench;

import io.hiertag.model.ImagePreprocessor;
import io.hiertag.model.SavedModelDualEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * (a) The limit: bare image-tower forward passes per second, on preprocessed photos already in memory, at
 * several batch sizes. Each size gets one untimed call first (TensorFlow sets up per shape).
 */
final class ModelLimit {

    /** @param passesPerSecond images through the image tower per second */
    record Rate(int batch, double passesPerSecond, double msPerBatch, int calls) {}

    private ModelLimit() {
    }

    static List<Rate> measure(SavedModelDualEncoder encoder, float[] photoPixels, int photos,
            List<Integer> batches, Duration budget) {
        int perImage = new ImagePreprocessor(encoder.contract().image()).floatsPerImage();
        int largest = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
        float[] input = new float[largest * perImage];
        for (int i = 0; i < largest; i++) {
            System.arraycopy(photoPixels, (i % photos) * perImage, input, i * perImage, perImage);
        }
        List<Rate> rates = new ArrayList<>();
        for (int batch : batches) {
            encoder.embedImages(input, batch);
            int calls = 0;
            long t0 = System.nanoTime();
            long elapsed;
            do {
                encoder.embedImages(input, batch);
                calls++;
                elapsed = System.nanoTime() - t0;
            } while (elapsed < budget.toNanos() || calls < 2);
            double seconds = elapsed / 1e9;
            rates.add(new Rate(batch, calls * batch / seconds, 1000 * seconds / calls, calls));
        }
        return rates;
    }
}
