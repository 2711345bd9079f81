mod masters_data;
