/** Generated sample images and bad inputs for the demo, the tests and the benchmark. */
package io.hiertag.samples;
