package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;

/** Self-distillation: temperatures, center momentum and the teacher's EMA momentum. */
public record DistillationConfig(double studentTemp, double teacherTemp, double warmupTeacherTemp,
        int warmupTeacherTempEpochs, double centerMomentum, double teacherMomentum) implements Serializable {

    public DistillationConfig {
        require(studentTemp > 0, "dino.student_temp", studentTemp, "must be > 0");
        require(teacherTemp > 0, "dino.teacher_temp", teacherTemp, "must be > 0");
        require(warmupTeacherTemp > 0, "dino.warmup_teacher_temp", warmupTeacherTemp, "must be > 0");
        require(warmupTeacherTempEpochs >= 0, "dino.warmup_teacher_temp_epochs", warmupTeacherTempEpochs,
                "must be >= 0");
        require(centerMomentum >= 0 && centerMomentum <= 1, "dino.center_momentum", centerMomentum,
                "must be in [0, 1]");
        require(teacherMomentum >= 0 && teacherMomentum <= 1, "dino.teacher_momentum", teacherMomentum,
                "must be in [0, 1]");
    }
}
