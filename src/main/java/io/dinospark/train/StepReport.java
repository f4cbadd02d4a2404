package io.dinospark.train;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One step of a run, as written to {@code metrics.jsonl}: progress, the schedules' values, collapse telemetry,
 * throughput and where the step's time went. Collapse shows as a teacher entropy near 0 (no centering) or near
 * ln K with the loss at ln K (no sharpening); {@code teacherStudentKl} is the loss less the teacher's entropy, the
 * mean KL divergence between the teacher's and the student's distributions over the loss's view pairs.
 * {@code knnTop1} and {@code knnTop5} (fractions) are the online k-NN's, present only on the steps it ran
 * ({@code eval.knn_every}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepReport(long step, long totalSteps, int epoch, double loss, double lr, double weightDecay,
        double teacherMomentum, double teacherTemp, double teacherEntropy, double lnK, double teacherStudentKl,
        double centerNorm, double imagesPerSecond, long images, long skippedImages,
        double dataAndTeacherSeconds, double studentFitSeconds, double driverUpdateSeconds, double broadcastSeconds,
        Double knnTop1, Double knnTop5) {

    /** This step's report with the online k-NN's accuracy added. */
    public StepReport withKnn(double top1, double top5) {
        return new StepReport(step, totalSteps, epoch, loss, lr, weightDecay, teacherMomentum, teacherTemp,
                teacherEntropy, lnK, teacherStudentKl, centerNorm, imagesPerSecond, images, skippedImages,
                dataAndTeacherSeconds, studentFitSeconds, driverUpdateSeconds, broadcastSeconds, top1, top5);
    }
}
