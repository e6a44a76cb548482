/** Creates the pipeline's topics and dead-letter topics when a service starts and they are missing. */
package dev.promptengine.service.topics;
