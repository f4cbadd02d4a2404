package io.dinospark.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.TestConfigs;
import io.dinospark.augment.Normalization;
import io.dinospark.augment.ResizeCenterCrop;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.ImageDecoder;
import io.dinospark.data.RgbImage;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.LastBlockAttention;
import io.dinospark.train.Checkpoints;

class AttentionExportTest {

    @TempDir
    Path dir;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static org.apache.hadoop.fs.Path hadoopPath(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    /** A run with one checkpoint whose teacher differs from its student; returns the student network. */
    private MultiLayerNetwork checkpoint(DinoConfig config, INDArray teacher) throws IOException {
        MultiLayerNetwork student = DinoNetwork.create(config);
        new Checkpoints(hadoopPath(dir.resolve("run")), new Configuration(), 3).save(new Checkpoints.State(7, TestConfigs.state(student),
                teacher == null ? student.params().dup() : teacher, Nd4j.zeros(DataType.FLOAT, 1, 20), ConfigLoader.render(config)));
        return student;
    }

    private List<org.apache.hadoop.fs.Path> images(int count) throws IOException {
        Random random = new Random(5);
        List<org.apache.hadoop.fs.Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(24, 20, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 24; x++) {
                    image.setRGB(x, y, random.nextInt(0xffffff));
                }
            }
            Path file = Files.createDirectories(dir.resolve("data/shirt")).resolve(i + ".png");
            ImageIO.write(image, "png", file.toFile());
            files.add(hadoopPath(file));
        }
        return files;
    }

    @Test
    void writesEveryPictureOfTheTeachersAttentionAtTheImagesSize() throws Exception {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        MultiLayerNetwork network = DinoNetwork.create(config);
        Nd4j.getRandom().setSeed(11);
        INDArray teacher = Nd4j.randn(DataType.FLOAT, 1, network.numParams()).muli(0.5);
        MultiLayerNetwork student = checkpoint(config, teacher);
        Configuration hadoop = new Configuration();
        org.apache.hadoop.fs.Path run = hadoopPath(dir.resolve("run"));
        List<org.apache.hadoop.fs.Path> files = images(2);
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(run, "attention");

        List<org.apache.hadoop.fs.Path> written = AttentionExport.run(AttentionExport.Network.checkpoint(
                AttentionExport.latestCheckpoint(run, hadoop), false, hadoop), new AttentionExport.Request(files, out, 224, 0.6), hadoop);

        assertEquals(2, written.size());
        Path first = dir.resolve("run/attention/00-shirt-0");
        assertEquals(first.toUri().getPath().replaceAll("/$", ""), written.get(0).toUri().getPath());
        for (String name : AttentionPngs.fileNames(3)) {
            BufferedImage png = ImageIO.read(first.resolve(name).toFile());
            assertEquals(224, png.getWidth(), name + ": 16 px enlarged 14 times");
            assertEquals(224, png.getHeight(), name);
        }

        // The values are the teacher's attention for the image prepared as evaluation prepares it.
        RgbImage shown = new ResizeCenterCrop(16).apply(ImageDecoder.decode(Files.readAllBytes(dir.resolve("data/shirt/0.png")), "0.png"));
        float[][] planes = new float[3][256];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(shown.pixels(), c * 256, planes[c], 0, 256);
        }
        float[] normalised = new float[768];
        new Normalization(config.augment().mean(), config.augment().std()).apply(planes, 256, normalised, 0);
        INDArray input = Nd4j.create(normalised, new long[] {1, 3, 16, 16}, 'c');
        network.setParams(teacher);
        INDArray expected = LastBlockAttention.of(network).patchAttention(input);
        INDArray ofStudent = LastBlockAttention.of(student).patchAttention(input);
        JsonNode values = new ObjectMapper().readTree(first.resolve(AttentionPngs.VALUES).toFile());
        assertEquals(4, values.get("grid").asInt());
        double studentDifference = 0;
        float[] mean = new float[16];
        for (int h = 0; h < 3; h++) {
            for (int p = 0; p < 16; p++) {
                double v = values.get("heads").get(h).get(p).asDouble();
                assertEquals(expected.getDouble(0, h, p / 4, p % 4), v, 1e-6, "head " + h + " patch " + p);
                studentDifference = Math.max(studentDifference, Math.abs(ofStudent.getDouble(0, h, p / 4, p % 4) - v));
                mean[p] += (float) v / 3;
            }
        }
        assertTrue(studentDifference > 1e-3, "the teacher's attention, not the student's: " + studentDifference);

        // The mean's largest patch is yellow and its smallest dark blue, where the patch lies in the picture.
        int max = 0;
        int min = 0;
        for (int p = 1; p < 16; p++) {
            max = mean[p] > mean[max] ? p : max;
            min = mean[p] < mean[min] ? p : min;
        }
        BufferedImage meanPng = ImageIO.read(first.resolve("mean.png").toFile());
        int cell = 4 * 14;
        assertEquals(0xfde725, meanPng.getRGB((max % 4) * cell + cell / 2, (max / 4) * cell + cell / 2) & 0xffffff);
        assertEquals(0x440154, meanPng.getRGB((min % 4) * cell + cell / 2, (min / 4) * cell + cell / 2) & 0xffffff);
    }

    @Test
    void aConvCheckpointAMissingCheckpointAndAMissingImageAreClearErrors() throws Exception {
        Configuration hadoop = new Configuration();
        org.apache.hadoop.fs.Path run = hadoopPath(dir.resolve("run"));
        IOException none = assertThrows(IOException.class, () -> AttentionExport.latestCheckpoint(run, hadoop));
        assertTrue(none.getMessage().contains("no checkpoint in") && none.getMessage().contains("checkpoints"), none.getMessage());

        org.apache.hadoop.fs.Path notOne = hadoopPath(Files.createDirectories(dir.resolve("run/checkpoints/step-1")));
        IOException bad = assertThrows(IOException.class, () -> AttentionExport.run(
                AttentionExport.Network.checkpoint(notOne, false, hadoop), new AttentionExport.Request(images(1), run, 224, 0.6), hadoop));
        assertTrue(bad.getMessage().contains("not a checkpoint"), bad.getMessage());

        Files.delete(dir.resolve("run/checkpoints/step-1"));
        checkpoint(TestConfigs.tinyConv(2), null);
        org.apache.hadoop.fs.Path conv = AttentionExport.latestCheckpoint(run, hadoop);
        IllegalArgumentException notVit = assertThrows(IllegalArgumentException.class, () -> AttentionExport.run(
                AttentionExport.Network.checkpoint(conv, false, hadoop), new AttentionExport.Request(images(1), run, 224, 0.6), hadoop));
        assertTrue(notVit.getMessage().contains("need a ViT backbone"), notVit.getMessage());

        IOException noImages = assertThrows(IOException.class,
                () -> AttentionExport.imagesUnder(hadoopPath(dir.resolve("nowhere")), 3, hadoop));
        assertTrue(noImages.getMessage().contains("does not exist"), noImages.getMessage());
    }

    @Test
    void imagesAreSpreadOverTheDataRoot() throws Exception {
        for (String folder : List.of("a", "b", "c")) {
            for (int i = 0; i < 4; i++) {
                Files.createDirectories(dir.resolve("data/" + folder)).resolve(i + ".png").toFile().createNewFile();
            }
        }
        Files.writeString(dir.resolve("data/a/notes.txt"), "not an image");
        List<org.apache.hadoop.fs.Path> picked = AttentionExport.imagesUnder(hadoopPath(dir.resolve("data")), 3, new Configuration());
        assertEquals(List.of("a", "b", "c"), picked.stream().map(p -> p.getParent().getName()).toList());
        assertEquals(12, AttentionExport.imagesUnder(hadoopPath(dir.resolve("data")), 50, new Configuration()).size());
    }
}
