/** Cross-origin access to the {@code /v1/} API for the configured browser origins (the dashboard). */
package dev.promptengine.service.cors;
