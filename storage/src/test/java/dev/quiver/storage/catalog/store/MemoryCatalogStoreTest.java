package dev.quiver.storage.catalog.store;

/** The shared catalog store behaviour, for {@link MemoryCatalogStore}. */
class MemoryCatalogStoreTest extends BaseCatalogStoreTestCase {
  @Override
  CatalogStore openStore() {
    return new MemoryCatalogStore();
  }
}
