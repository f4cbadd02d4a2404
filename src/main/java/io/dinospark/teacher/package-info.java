/** The teacher side of DINO: EMA of the student's parameters, the center, and the teacher's targets. */
package io.dinospark.teacher;
