/**
 * The seeded test and bench models: real SavedModels with the model contract and meaningless weights, exported
 * once per folder. They prove the plumbing, never the tags.
 */
package io.hiertag.testmodel;
