package io.dinospark.train;

/**
 * One step of a run, as written to {@code metrics.jsonl}: progress, the schedules' values, collapse telemetry,
 * throughput and where the step's time went. Collapse shows as a teacher entropy near 0 (no centering) or near
 * ln K with the loss at ln K (no sharpening); {@code teacherStudentKl} is the loss less the teacher's entropy, the
 * mean KL divergence between the teacher's and the student's distributions over the loss's view pairs.
 */
public record StepReport(long step, long totalSteps, int epoch, double loss, double lr, double weightDecay,
        double teacherMomentum, double teacherTemp, double teacherEntropy, double lnK, double teacherStudentKl,
        double centerNorm, double imagesPerSecond, long images, long skippedImages,
        double dataAndTeacherSeconds, double studentFitSeconds, double driverUpdateSeconds, double broadcastSeconds) {
}
