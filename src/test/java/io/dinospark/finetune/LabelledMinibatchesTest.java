package io.dinospark.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dinospark.TestConfigs;
import io.dinospark.data.ImageRef;
import io.dinospark.engine.Minibatch;
import io.dinospark.eval.LabelIndex;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;

/** A fine-tuning worker's minibatches: one view per readable image, each with its label's smoothed distribution. */
class LabelledMinibatchesTest {

    private static ImageRef image(long id, String label, byte[] bytes) {
        return new ImageRef(id, "mem:" + id + ".png", label, bytes);
    }

    private static byte[] png() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    @Test
    void smoothedTargetsFollowTheReadableImagesInMinibatches() throws Exception {
        var config = TestConfigs.tinyConv(0); // batch_size_per_worker 8
        LabelIndex labels = new LabelIndex(List.of("a", "b", "c", "d"));
        List<ImageRef> images = new ArrayList<>();
        String[] classes = {"b", "d", "a", "b", "c", "a", "d", "d", "c"};
        for (int i = 0; i < classes.length; i++) {
            images.add(image(i, classes[i], png()));
        }
        images.add(4, image(99, "a", new byte[] {1, 2, 3})); // undecodable: left out
        List<Minibatch> minibatches = new ArrayList<>();
        new LabelledMinibatches(config, labels, 0.2, 0, new SerializableConfiguration(new Configuration()))
                .call(images.iterator()).forEachRemaining(minibatches::add);

        assertEquals(List.of(8L, 1L), minibatches.stream().map(Minibatch::size).toList());
        int row = 0;
        for (Minibatch m : minibatches) {
            assertEquals(3L * 16 * 16, m.rows().size(1), "one global-size view per row");
            for (int i = 0; i < m.size(); i++, row++) {
                float[] expected = {0.05f, 0.05f, 0.05f, 0.05f};
                expected[labels.of(classes[row])] += 0.8f;
                assertArrayEquals(expected, m.targets().getRow(i).toFloatVector(), 1e-7f, "row " + row);
            }
        }
        assertEquals(classes.length, row);
    }
}
