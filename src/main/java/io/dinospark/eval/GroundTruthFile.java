package io.dinospark.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.data.ImageRef;
import io.dinospark.eval.AveragePrecision.Relevance;
import io.dinospark.eval.ImageRetrieval.Image;

/**
 * A ground-truth file: JSON lines, one per query, {@code {"query": NAME, "positives": [NAME, ...], "junk": [NAME,
 * ...]}} ({@code junk} optional), each image named by its path under the query root or the database root (or by its
 * full path as listed). The revisited protocol's Medium and Hard settings are two such files (Medium: positives =
 * easy + hard; Hard: positives = hard, junk = junk + easy). {@code copies} writes one.
 */
public final class GroundTruthFile implements GroundTruth {

    private static final Logger LOG = LoggerFactory.getLogger(GroundTruthFile.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One line of the file. */
    public record Entry(String query, List<String> positives, List<String> junk) {
    }

    private final String file;
    private final Map<String, Set<String>> positives = new HashMap<>();
    private final Map<String, Set<String>> junk = new HashMap<>();
    private final Names queryNames;
    private final Names databaseNames;

    private GroundTruthFile(String file, Names queryNames, Names databaseNames) {
        this.file = file;
        this.queryNames = queryNames;
        this.databaseNames = databaseNames;
    }

    /**
     * Reads {@code file}.
     *
     * @throws IllegalArgumentException naming the file and line of a malformed line, a line without query or
     *                                  positives, a query given twice, or an image both positive and junk
     */
    public static GroundTruthFile read(String file, String queryRoot, String databaseRoot, Configuration hadoop)
            throws IOException {
        GroundTruthFile truth = new GroundTruthFile(file, new Names(queryRoot, hadoop), new Names(databaseRoot, hadoop));
        Path path = new Path(file);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(path.getFileSystem(hadoop).open(path),
                StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    truth.add(parse(line, file, number), file + " line " + number);
                }
            }
        }
        if (truth.positives.isEmpty()) {
            throw new IllegalArgumentException("the ground-truth file " + file + " has no query");
        }
        return truth;
    }

    private static Entry parse(String line, String file, int number) {
        Entry e;
        try {
            e = JSON.readValue(line, Entry.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException(file + " line " + number + " is not a ground-truth line {\"query\": NAME,"
                    + " \"positives\": [NAME, ...], \"junk\": [NAME, ...]}: " + ex.getOriginalMessage(), ex);
        }
        if (e.query() == null || e.positives() == null) {
            throw new IllegalArgumentException(file + " line " + number + " needs a \"query\" and a \"positives\" list");
        }
        return e;
    }

    private void add(Entry e, String where) {
        if (positives.containsKey(e.query())) {
            throw new IllegalArgumentException(where + ": query " + e.query() + " is given a second time");
        }
        Set<String> p = new HashSet<>(e.positives());
        Set<String> j = e.junk() == null ? Set.of() : new HashSet<>(e.junk());
        for (String name : p) {
            if (j.contains(name)) {
                throw new IllegalArgumentException(where + ": " + name + " is both a positive and junk of query " + e.query());
            }
        }
        positives.put(e.query(), p);
        junk.put(e.query(), j);
    }

    /**
     * Checks the file against the images listed: every query has a line, and every image the file names is in the
     * database. A line whose query is not among {@code queries} (a subset) is left out, with a warning.
     */
    public void check(List<Image> queries, JavaRDD<ImageRef> database) {
        Set<String> seen = new HashSet<>();
        for (Image q : queries) {
            String name = queryNames.of(q.path());
            if (!positives.containsKey(name)) {
                throw new IllegalArgumentException("query " + q.path() + " (named " + name + ") has no line in the"
                        + " ground-truth file " + file);
            }
            seen.add(name);
        }
        if (seen.size() < positives.size()) {
            LOG.warn("{} of the {} queries of {} are not among the {} query images; they are left out",
                    positives.size() - seen.size(), positives.size(), file, queries.size());
        }
        Set<String> named = new HashSet<>();
        positives.values().forEach(named::addAll);
        junk.values().forEach(named::addAll);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(database.context());
        Broadcast<Set<String>> wanted = sc.broadcast(named);
        Names names = databaseNames;
        List<String> present = database.map(image -> names.of(image.path())).filter(n -> wanted.value().contains(n))
                .distinct().collect();
        wanted.destroy();
        named.removeAll(present);
        if (!named.isEmpty()) {
            throw new IllegalArgumentException(named.size() + " images named by the ground-truth file " + file
                    + " are not in the database " + databaseNames.root + ", e.g. " + named.iterator().next());
        }
    }

    @Override
    public int positives(Image query) {
        return positives.get(queryNames.of(query.path())).size();
    }

    @Override
    public Relevance relevance(Image query, Image database) {
        String q = queryNames.of(query.path());
        String d = databaseNames.of(database.path());
        return positives.get(q).contains(d) ? Relevance.POSITIVE : junk.get(q).contains(d) ? Relevance.JUNK
                : Relevance.NEGATIVE;
    }

    @Override
    public String describe() {
        return file;
    }

    /** Images named by their path under a root (as given or as qualified by its file system), else by their path. */
    static final class Names implements Serializable {

        private final String root;
        private final String[] prefixes;

        Names(String root, Configuration hadoop) throws IOException {
            Path r = new Path(root);
            this.root = root;
            this.prefixes = new String[] {r.getFileSystem(hadoop).makeQualified(r).toUri().getPath() + "/",
                r.toUri().getPath() + "/"};
        }

        String of(String path) {
            String p = new Path(path).toUri().getPath();
            for (String prefix : prefixes) {
                if (p.startsWith(prefix)) {
                    return p.substring(prefix.length());
                }
            }
            return path;
        }
    }
}
