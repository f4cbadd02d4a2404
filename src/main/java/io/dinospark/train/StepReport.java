package io.dinospark.train;

/**
 * One step of a run, as written to {@code metrics.jsonl}: progress, the schedules' values, collapse telemetry
 * (teacher entropy against ln K), throughput and where the step's time went.
 */
public record StepReport(long step, long totalSteps, int epoch, double loss, double lr, double weightDecay, double teacherMomentum,
        double teacherTemp, double teacherEntropy, double lnK, double imagesPerSecond, long images, long skippedImages,
        double dataAndTeacherSeconds, double studentFitSeconds, double driverUpdateSeconds, double broadcastSeconds) {
}
