/** Health of the infrastructure every service needs: a Kafka indicator for {@code /actuator/health}. */
package dev.promptengine.service.health;
