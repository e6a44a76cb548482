/** Push channel vs polling under steady traffic. */
package dev.promptengine.bench.live;
