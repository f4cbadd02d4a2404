package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;

/** Listing and planning read no image bytes and keep empty files (counted as bad input when read), so empty files with image names stand in for images here. */
class EpochPlanTest {

    @TempDir
    Path root;

    private void touch(String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[0]);
    }

    @Test
    void imagenetLayoutListsImagesWithClassFoldersInPathOrder() throws IOException {
        touch("b/3.PNG");
        touch("a/1.png");
        touch("a/2.jpg");
        touch("b/notes.txt");
        touch("index.tsv");
        ImageCatalog catalog = ImageCatalog.list(LocalSpark.get(), ImageSource.files(root.toString(), ImageLayout.IMAGENET));
        List<ImageRef> images = catalog.images().collect();
        assertEquals(3, catalog.count());
        assertEquals(List.of(0L, 1L, 2L), images.stream().map(ImageRef::id).toList());
        assertEquals(List.of("a", "a", "b"), images.stream().map(ImageRef::label).toList());
        assertTrue(images.get(0).path().endsWith("a/1.png"), images.get(0).path());

        ImageCatalog flat = ImageCatalog.list(LocalSpark.get(), ImageSource.files(root.toString(), ImageLayout.FLAT));
        assertNull(flat.images().first().label());
    }

    @Test
    void indexLayoutReadsTheIndexFile() throws IOException {
        Files.writeString(root.resolve(ImageIndexFile.FILE_NAME), "a/1.png\t10\ta\nb/2.jpg\t20\tb\n");
        List<ImageRef> images = ImageCatalog.list(LocalSpark.get(), ImageSource.files(root.toString(), ImageLayout.INDEX)).images().collect();
        assertEquals(List.of("a", "b"), images.stream().map(ImageRef::label).toList());
        assertEquals(root + "/b/2.jpg", images.get(1).path());
    }

    @Test
    void anEmptyRootIsAnErrorNamingIt() throws IOException {
        touch("readme.txt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageCatalog.list(LocalSpark.get(), ImageSource.files(root.toString(), ImageLayout.IMAGENET)));
        assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
    }

    @Test
    void eachEpochVisitsEveryImageOnceInItsOwnSeededOrder() throws IOException {
        for (int i = 0; i < 103; i++) {
            touch("c" + (i % 4) + "/" + i + ".jpg");
        }
        ImageCatalog catalog = ImageCatalog.list(LocalSpark.get(), ImageSource.files(root.toString(), ImageLayout.IMAGENET));
        EpochPlan epoch0 = new EpochPlan(catalog, 2, 5, 7, 0);
        assertEquals(10, epoch0.steps()); // the last 3 images do not make a full step, as DINO's drop_last
        List<Long> order0 = order(epoch0);
        assertEquals(100, new HashSet<>(order0).size());
        assertEquals(order0, order(new EpochPlan(catalog, 2, 5, 7, 0)));
        List<Long> order1 = order(new EpochPlan(catalog, 2, 5, 7, 1));
        assertNotEquals(order0, order1);
        Set<Long> dropped = new HashSet<>();
        for (long id = 0; id < 103; id++) {
            dropped.add(id);
        }
        dropped.removeAll(order0);
        assertEquals(3, dropped.size());
        assertThrows(IllegalArgumentException.class, () -> epoch0.step(10));
    }

    private static List<Long> order(EpochPlan plan) {
        List<Long> ids = new ArrayList<>();
        for (long step = 0; step < plan.steps(); step++) {
            var step0 = plan.step(step);
            assertEquals(2, step0.getNumPartitions(), "one partition per worker");
            List<List<ImageRef>> workers = step0.glom().collect();
            assertEquals(List.of(5, 5), workers.stream().map(List::size).toList());
            workers.forEach(images -> images.forEach(image -> ids.add(image.id())));
        }
        plan.release();
        return ids;
    }
}
