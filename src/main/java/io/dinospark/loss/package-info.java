/** The DINO loss: cross-entropy between the teacher's and the student's crop distributions over all view pairs. */
package io.dinospark.loss;
