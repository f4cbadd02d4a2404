package io.dinospark.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Class names as indices {@code 0..size-1}, in sorted order, so that every executor numbers them alike. */
public final class LabelIndex implements Serializable {

    private final List<String> names;
    private final Map<String, Integer> index = new HashMap<>();

    public LabelIndex(List<String> sortedNames) {
        this.names = List.copyOf(sortedNames);
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
    }

    /** The classes present in any of {@code sets}. */
    public static LabelIndex of(LabelledSet... sets) {
        TreeSet<String> classes = new TreeSet<>();
        for (LabelledSet set : sets) {
            classes.addAll(set.classes());
        }
        return new LabelIndex(new ArrayList<>(classes));
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    /** The index of class {@code name}; an error naming it if it is not one of the classes. */
    public int of(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("class '" + name + "' is not one of the " + names.size() + " known classes");
        }
        return i;
    }
}
