/**
 * Physical limits: what the broker and the database can do for records and rows of our size with
 * a plain client. The pipeline's numbers are judged as fractions of these.
 */
package dev.promptengine.bench.physical;
