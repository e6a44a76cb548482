package dev.promptengine.analytics.facts;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/** Another instance claimed these partitions since this one did: its batch must not commit. */
class PartitionFencedException extends RuntimeException {

    private final List<TopicPartition> partitions;

    PartitionFencedException(List<TopicPartition> partitions) {
        super("fenced: partitions " + partitions + " were claimed by another instance");
        this.partitions = partitions;
    }

    List<TopicPartition> partitions() {
        return partitions;
    }
}
