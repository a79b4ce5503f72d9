package io.hiertag.model;

/**
 * Where the model should run. {@code AUTO} lets TensorFlow place it (on a GPU when one is usable, else the CPU);
 * {@code GPU} refuses to start without a usable GPU, so a mis-installed GPU host fails loudly instead of
 * silently running on the CPU; {@code CPU} loads the model for the CPU.
 */
public enum ModelDevice {
    AUTO, CPU, GPU
}
