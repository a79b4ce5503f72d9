/** The {@code hiertag} command line: each sub-command parses its options and calls into the other packages. */
package io.hiertag.cli;
