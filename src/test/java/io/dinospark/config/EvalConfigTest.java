package io.dinospark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The eval section: off by default, and every bad value named with its key. */
class EvalConfigTest {

    private static String error(String... overrides) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of(overrides))).getMessage();
    }

    @Test
    void onlineKnnIsOffByDefaultAndRoundTrips() {
        DinoConfig defaults = ConfigLoader.defaults();
        assertEquals(new EvalConfig(0, "", 5000, 1000, 20), defaults.eval(), "no online k-NN by default");
        DinoConfig on = ConfigLoader.load(null, List.of("eval.knn_every=50", "eval.knn_val_root=\"data/default/val\"",
                "eval.knn_k=10"));
        assertEquals(new EvalConfig(50, "data/default/val", 5000, 1000, 10), on.eval());
        assertEquals(on, ConfigLoader.parseRendered(ConfigLoader.render(on)));
        assertEquals(List.of("eval.knn_every", "eval.knn_val_root", "eval.knn_k"),
                ConfigLoader.differingKeys(ConfigLoader.render(on), defaults).stream().map(ConfigLoader.KeyChange::key).toList());
    }

    @Test
    void badValuesNameTheirKey() {
        assertEquals("Invalid eval.knn_val_root = \"\": must name labelled held-out images (e.g. data/default/val)"
                + " when eval.knn_every = 5 > 0", error("eval.knn_every=5"));
        assertEquals("Invalid eval.knn_every = -1: must be >= 0 (0: off)", error("eval.knn_every=-1"));
        assertEquals("Invalid eval.knn_k = 0: must be > 0", error("eval.knn_k=0"));
        assertEquals("Invalid eval.knn_train_images = 0: must be > 0", error("eval.knn_train_images=0"));
        assertEquals("Invalid eval.knn_val_images = -3: must be > 0", error("eval.knn_val_images=-3"));
        assertEquals(true, error("eval.knn_evry=5").startsWith("Unknown key eval.knn_evry = 5 in the overrides; did you mean eval.knn_every?"));
    }
}
