package io.dinospark.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.config.DinoConfig;
import io.dinospark.data.CropBatch;
import io.dinospark.data.CropRowsReader;
import io.dinospark.data.ImageRef;
import io.dinospark.engine.Engine;
import io.dinospark.engine.Minibatch;
import io.dinospark.model.CropLayout;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.TeacherState;
import io.dinospark.teacher.TeacherTargets;

/**
 * One worker's part of a step, on its executor: read and crop its images, run the teacher on the global crops,
 * and produce the student's minibatches (labels: the teacher's targets) plus its share of the center update.
 */
final class WorkerStep implements FlatMapFunction<Iterator<ImageRef>, WorkerStep.Output> {

    /** A worker's minibatches and what the driver needs of its step. */
    record Output(List<Minibatch> minibatches, Totals totals) implements Serializable {
    }

    /**
     * What the driver collects of a worker's step: the summed raw teacher logits over its global crops (the
     * center's update), their number, the summed teacher entropy, and the images it skipped.
     */
    record Totals(INDArray logitSum, long globalCrops, double entropySum, long skipped) implements Serializable {

        Totals plus(Totals other) {
            return new Totals(logitSum.add(other.logitSum), globalCrops + other.globalCrops,
                    entropySum + other.entropySum, skipped + other.skipped);
        }
    }

    private final CropRowsReader reader;
    private final CropLayout layout;
    private final int minibatch;
    private final long step;
    private final int epoch;
    private final DinoConfig config;
    private final Broadcast<TeacherState> teacher;
    private final SerializableConfiguration hadoop;

    WorkerStep(DinoConfig config, CropRowsReader reader, CropLayout layout, long step, int epoch,
            Broadcast<TeacherState> teacher, SerializableConfiguration hadoop) {
        this.reader = reader;
        this.layout = layout;
        this.minibatch = config.train().batchSizePerWorker();
        this.step = step;
        this.epoch = epoch;
        this.config = config;
        this.teacher = teacher;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Output> call(Iterator<ImageRef> images) {
        List<ImageRef> refs = new ArrayList<>();
        images.forEachRemaining(refs::add);
        try {
            return List.of(work(refs)).iterator();
        } catch (RuntimeException e) {
            // Not a lost executor: something in this worker's data or math. Name what a user needs to find it.
            TaskContext task = TaskContext.get();
            throw new IllegalStateException("step " + step + ", worker " + (task == null ? "?" : task.partitionId())
                    + ", images " + refs.stream().map(ImageRef::path).toList() + ": " + e.getMessage(), e);
        }
    }

    private Output work(List<ImageRef> refs) {
        CropBatch batch = reader.read(refs, epoch, hadoop.value());
        INDArray rows = batch.rows();
        long k = config.model().outDim();
        if (rows.rows() == 0) {
            Totals nothing = new Totals(Nd4j.zeros(rows.dataType(), 1, k), 0, 0, batch.skipped().size());
            return new Output(List.of(), nothing);
        }
        TeacherState state = teacher.value();
        INDArray globals = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, layout.rowWidth(0)));
        INDArray logits = Engine.of(config).teacherLogits(config, state, globals);
        INDArray targets = TeacherTargets.probabilities(logits, state.center(), state.temperature());
        List<Minibatch> minibatches = Minibatch.split(rows, targets, minibatch);
        long crops = 2 * rows.rows();
        Totals totals = new Totals(Center.logitSum(logits, k), crops, TeacherTargets.meanEntropy(targets, k) * crops,
                batch.skipped().size());
        return new Output(minibatches, totals);
    }
}
