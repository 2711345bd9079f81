pub use masters;
