/** Where the crops come from: image sources and the rows of packed crops the network takes. */
package io.dinospark.data;
